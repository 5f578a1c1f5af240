create table if not exists greeting (
	id int primary key,
	message varchar(200) not null
);
